from __future__ import annotations

import pytest

from opspulse.settings import REPO_ROOT


@pytest.fixture(scope="session")
def dagbag(tmp_path_factory):
    """Every DAG file of dags/, parsed once the way Airflow's DAG processor does."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("airflow")
    mp.setenv("AIRFLOW_HOME", str(home))
    mp.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    mp.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    from airflow.dag_processing.dagbag import DagBag

    bag = (
        DagBag(dag_folder=str(REPO_ROOT / "dags"), include_examples=False)
        if "include_examples" in DagBag.__init__.__code__.co_varnames
        else DagBag(dag_folder=str(REPO_ROOT / "dags"))
    )
    # the variables must not outlive the parse: later tests read AIRFLOW__* for their homes
    mp.undo()
    return bag
