"""Prices: public prices, councils' agreed rates, price history and price-rise alerts."""
