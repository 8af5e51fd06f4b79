"""The record set as one Excel workbook, for the ISU: states, commitments, deadlines."""
