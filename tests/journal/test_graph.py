from journal.writes import customers
from journal.reads import graph

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


def test_layout_is_kept_and_new_customers_go_beside_their_neighbours(journal):
    a, b, c = (customer(n) for n in "ABC")
    connect(a, b)
    connect(b, c, "introduced")
    first = graph.layout(graph.graph_data())
    assert set(first) == {a.id, b.id, c.id}
    graph.save_positions(first)
    dragged = {**first, a.id: (999.0, -50.0)}
    graph.save_positions({a.id: dragged[a.id]})
    d = customer("D")
    connect(d, a, "colleague")
    again = graph.layout(graph.graph_data(), graph.saved_positions())
    assert again[a.id] == (999.0, -50.0) and again[b.id] == first[b.id]  # kept exactly
    x, y = again[d.id]
    assert abs(x - 999.0) <= graph.SPACING and abs(y + 50.0) <= graph.SPACING  # beside its only neighbour
    lonely = customer("E")
    placed = graph.layout(graph.graph_data(), graph.saved_positions())
    assert placed[lonely.id][0] > max(p[0] for cid, p in placed.items() if cid != lonely.id)
    fresh = graph.layout(graph.graph_data(), graph.saved_positions(), rearrange=True)
    assert set(fresh) == set(placed) and fresh != placed


def test_positions_go_with_the_customer(journal):
    from journal.writes import trash
    from journal.storage.models import GraphPosition

    a = customer("A")
    graph.save_positions({a.id: (1.0, 2.0)})
    customers.delete_customer(a.id)
    trash.empty_trash()
    assert GraphPosition.select().count() == 0
