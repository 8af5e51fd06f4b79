"""Pure functions that turn the services' typed answers into what the pages show (no Streamlit).

One module per page or domain; `formatting` holds the labels and number formats they share.
"""
