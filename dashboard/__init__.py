"""The Coordinating Committee's dashboard: Streamlit pages over the services' HTTP APIs."""
