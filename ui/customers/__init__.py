"""The customer list, the customer page and the dialogs that edit customers."""
