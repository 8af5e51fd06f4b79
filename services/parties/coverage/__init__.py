"""How complete each kind of record is: seeded, sourced, changed by an admin."""
