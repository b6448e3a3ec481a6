"""Programs the figures start as processes of their own."""
