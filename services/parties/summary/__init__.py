"""The Convention-wide summary of the four aims, and the changes since a day."""
