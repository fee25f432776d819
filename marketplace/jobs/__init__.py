"""Jobs on a queue: long work (a month's statements, the search reindex, the CQC and Open Referral UK
imports) done in chunks, with a Job row people can watch at ``/jobs/<id>``.

Running it:

- **Embedded default, no Redis** (``REDIS_URL`` unset): starting a job runs its chunks at once, in the
  process that started it (the web request or the command), with the same Job row, progress, retries
  and result. Nothing else to run; fine for one machine and a council of a few thousand people.
- **With Redis** (``REDIS_URL``, or ``JOBS_REDIS_URL`` for a separate one): each chunk is an RQ job on
  the queue ``JOBS_QUEUE`` (default ``support-market``), and ``flask jobs worker`` runs them (as many
  workers, on as many machines, as the work needs; ``--burst`` stops when the queue is empty, for cron).
  A chunk is retried three times, after 10, 30 and 60 seconds (``JOBS_RETRY_INTERVALS``); a chunk may
  take ``JOBS_TIMEOUT`` seconds (1800).

``flask jobs enqueue statements --month YYYY-MM [--council SLUG]`` and ``flask jobs enqueue reindex``
start jobs from the command line; ``flask jobs status ID`` says how far one has got. The finance
officer's payments page starts last month's statements; the CQC import page imports in the background.
"""
