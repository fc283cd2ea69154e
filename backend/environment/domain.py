"""The environment domain: air-quality stations, river gauges, reservoirs and flood points
after OGC SensorThings 1.1; ingestion over HTTP, MQTT and CSV; the VN_AQI; the flood situation;
threshold rules with hysteresis."""

from datetime import timedelta

from backend.domains import Domain, Periodic

DOMAIN = Domain(
    name="environment",
    models=("backend.environment.models",),
    tasks=("backend.environment.tasks",),
    periodic={
        "create-observation-partitions": Periodic(
            "environment.create_partitions", timedelta(hours=12)
        ),
    },
    graphql="backend.graphql_api.environment.parts",
    catalogue="environment",
    seed="backend.seed.environment:seed_environment",
)
