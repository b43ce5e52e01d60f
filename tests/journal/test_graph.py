from journal import customers, graph

from .helpers import buy, connect, customer


def test_nodes_edges_and_filters(journal):
    a, b, c, d = (customer(n) for n in "ABCD")
    connect(a, b, "referred")
    connect(b, c, "introduced")
    customers.set_archived(d.id)
    data = graph.graph_data()
    assert set(data.nodes) == {a.id, b.id, c.id}
    assert {(e.source, e.target, e.kind) for e in data.edges} == {(a.id, b.id, "referred"), (b.id, c.id, "introduced")}
    assert data.nodes[a.id].referrals_made == 1
    assert {e.kind for e in graph.graph_data(kinds=("referred",)).edges} == {"referred"}
    e = customer("E")
    assert e.id not in graph.graph_data(connected_only=True).nodes


def test_top_referrers_count_revenue_down_the_chain_once(journal):
    a, b, c, d = (customer(n) for n in "ABCD")
    buy(b, cents=100_00)
    buy(c, cents=50_00)
    buy(d, cents=7_00)
    connect(a, b)  # A sent B, B sent C, C sent A back (a loop), C sent D
    connect(b, c)
    connect(c, a)
    connect(c, d)
    top = {r.name: r for r in graph.top_referrers(graph.graph_data())}
    assert top["A"].referrals_made == 1
    assert top["A"].direct_revenue_cents == 100_00
    assert top["A"].chain_revenue_cents == 157_00
    assert top["C"].referrals_made == 2 and top["C"].direct_revenue_cents == 7_00
