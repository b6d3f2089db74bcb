"""`make loadtest`: the last hour of a 5,000-unit assembly on the production stack.

`python -m loadtest` (loadtest/__main__.py) builds the estate in a fresh PostgreSQL database,
starts gunicorn with the production settings, a django-q2 cluster on Redis, and drives them
with Locust (loadtest/locustfile.py) at a few numbers of simulated owners; then it checks the
database (loadtest/check.py) and prints a report. See README, "Load test".
"""
