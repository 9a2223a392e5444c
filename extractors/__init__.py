"""Pure functions that turn page bytes or plain text into articles and credit-rule claims."""
