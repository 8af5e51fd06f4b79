"""The 195 states and their membership of the Convention."""
