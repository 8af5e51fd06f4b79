"""Each party's obligations (Articles 3, 4, 5, 7, 9, victim assistance) and what is derived from
them: its deadlines and the groups it belongs to."""
