"""Invoicing from confirmed delivery, approval, payment through gateways, credit notes and disputes."""
