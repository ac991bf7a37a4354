"""newsbot core: from a news article to typed, located events and alerts.

Nothing in this package imports a chat platform library; `handlers/` adapts it.
"""

__version__ = "0.1.0"
