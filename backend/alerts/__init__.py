"""Public alerts modelled on CAP 1.2: drafted and approved by civil-defence operators or raised by
threshold rules, matched to wards and pushed to their topics, published as CAP XML and Atom."""
