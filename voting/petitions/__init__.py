"""Owners' petitions for an extraordinary assembly meeting (临时会议提议), issue #16 item 1.

The rule (20 % of the area AND 20 % of the heads) is ``voting/petition_rules.py``; this app keeps
the petitions, their signatures and milestones (all append-only), and the deadline sweep.
"""
