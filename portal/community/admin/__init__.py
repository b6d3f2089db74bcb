"""The community domain in the Wagtail admin (小区管理): viewsets, policies and their views.

Kept free of import side effects: Django's admin autodiscovery imports this package, and the
viewsets are registered from portal/community/wagtail_hooks.py.
"""
