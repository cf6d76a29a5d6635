"""A real Airflow cluster on one machine (see local_cluster.py)."""
