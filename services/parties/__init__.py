"""The parties service: the 195 states, each party's obligations, deadlines and commitments."""
