"""The actions service: the Cartagena Action Plan's 67 actions, assessments and indicators."""
