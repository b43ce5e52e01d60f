"""The referral-connection graph."""
