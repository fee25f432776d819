"""How buyers' ratings rank a listing in search (the one formula, used by the summary and the index)."""
from __future__ import annotations

PRIOR_MEAN = 3.0  # what we assume of a listing nobody has rated: the middle of the 1 to 5 scale
PRIOR_WEIGHT = 5  # ... held as firmly as five reviews


def rating_rank(count: int, total: int) -> float:
    """The rank search sorts by: a Bayesian average, the mean of the listing's scores after adding
    ``PRIOR_WEIGHT`` imaginary reviews of ``PRIOR_MEAN``. Few reviews pull a listing towards the middle
    and many let its own average show, so one 5-star review (rank 3.33) does not beat 200 reviews
    averaging 4.8 (rank 4.76), while 20 reviews averaging 4.9 (4.52) do beat 3 averaging 5 (3.75).
    A fixed prior rather than the catalogue's mean, so one new review never reranks every listing."""
    return (PRIOR_MEAN * PRIOR_WEIGHT + total) / (PRIOR_WEIGHT + count)
