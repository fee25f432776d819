"""Budget holders' records and the delegations that let others act for them."""
