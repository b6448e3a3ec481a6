"""Plain Python rules of the programme: no Qt, no SQL, nothing of ours imported from above."""
