"""The counselling session window: forms generated from their definitions, side by side in
the counsellor's and the migrant's language, saved as they are typed."""
