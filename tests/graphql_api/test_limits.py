"""Abusive documents are refused at validation, before a single SQL statement runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphql import data, error_codes


async def _refused_without_sql(api: Any, query: str, **kwargs: Any) -> dict[str, Any]:
    api.sql.clear()
    body = await api(query, **kwargs)
    assert body.get("data") is None, body
    assert "QUERY_TOO_COMPLEX" in error_codes(body), body
    assert api.sql.count == 0, api.sql.statements
    return body


@pytest.mark.parametrize("settings_overrides", [{"GRAPHQL_MAX_DEPTH": 3}])
async def test_depth_limit(api: Any) -> None:
    shallow = await api("{ places(first: 1) { edges { cursor } } }")
    assert data(shallow)["places"]["edges"] == []

    body = await _refused_without_sql(api, "{ places { edges { node { ward { id } } } } }")
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_alias_limit_counts_aliases_inside_fragments(api: Any) -> None:
    fragment = (
        "fragment F on Query { "
        + " ".join(f"w{i}: wards {{ pageInfo {{ hasNextPage }} }}" for i in range(8))
        + " }"
    )
    query = (
        "query Many { ...F ...G } "
        + fragment
        + " "
        + fragment.replace("fragment F", "fragment G").replace(" w", " v")
    )
    body = await _refused_without_sql(api, query)
    assert "aliases" in body["errors"][0]["message"]


async def test_a_few_aliases_are_fine(api: Any) -> None:
    body = await api(
        "{ a: wards(first: 1) { pageInfo { hasNextPage } } b: wards(first: 2) { pageInfo { hasNextPage } } }"
    )
    assert data(body)["a"]["pageInfo"]["hasNextPage"] is False


async def test_token_limit(api: Any) -> None:
    query = "{ " + " ".join("__typename" for _ in range(2100)) + " }"
    await _refused_without_sql(api, query)


async def test_cost_limit_multiplies_page_sizes(api: Any) -> None:
    # 100 places x their wards... x aliases of 100 would exceed 5000 through pages.
    query = """
    query Costly {
      a: places(first: 100) { edges { node { id name address kind distanceMeters
        ward { id name } location { latitude longitude } } } }
      b: places(first: 100) { edges { node { id name address kind distanceMeters
        ward { id name } location { latitude longitude } } } }
      c: places(first: 100) { edges { node { id name address kind distanceMeters
        ward { id name } location { latitude longitude } } } }
      d: places(first: 100) { edges { node { id name address kind distanceMeters
        ward { id name } location { latitude longitude } } } }
    }
    """
    body = await _refused_without_sql(api, query)
    assert "costs" in body["errors"][0]["message"]


async def test_plain_lists_multiply_the_cost_of_what_they_hold(api: Any) -> None:
    """Lists without `first` (a facility's practitioners) count too, or nesting them back and
    forth would return P⁴ objects from one anonymous request inside the depth limit."""
    query = """
    query Nested {
      healthFacilities(near: {latitude: 16.46, longitude: 107.59}, first: 100) {
        edges { node { practitioners { facility { practitioners { facility {
          practitioners { fullName } } } } } } }
      }
    }
    """
    body = await _refused_without_sql(api, query)
    assert "costs" in body["errors"][0]["message"]


async def test_page_size_given_as_variable_counts_as_the_maximum(api: Any) -> None:
    query = """
    query Costly($n: Int) {
      a: places(first: $n) { edges { node { id name address kind distanceMeters ward { id name } location { latitude longitude } } } }
      b: places(first: $n) { edges { node { id name address kind distanceMeters ward { id name } location { latitude longitude } } } }
      c: places(first: $n) { edges { node { id name address kind distanceMeters ward { id name } location { latitude longitude } } } }
      d: places(first: $n) { edges { node { id name address kind distanceMeters ward { id name } location { latitude longitude } } } }
    }
    """
    await _refused_without_sql(api, query, variables={"n": 1})
