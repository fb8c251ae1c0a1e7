"""The Streamlit dashboard on a Jevons store (see README.md beside this file); started by
``jevons dashboard``, which runs ``app.py``. Nothing here runs on import."""
