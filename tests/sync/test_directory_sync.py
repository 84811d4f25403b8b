"""The 名簿 the office loads reaches every laptop through the central store: a CSV imported at the
office (agencies with their station and contact person), a later edit and a retirement."""

from __future__ import annotations

from app import directory_csv


def test_a_directory_loaded_at_the_office_reaches_a_laptop(central, tmp_path):
    office = central.office()
    laptop = central.worker(office, "sato")
    folder = directory_csv.template_folder()
    for kind in ("stations", "agencies"):
        directory_csv.import_file(office, folder / f"{kind}.csv", kind)
    welfare = office.directory.find("agencies", "美作市福祉事務所")
    office.directory.save("agencies", {"contact_person": "田中 一郎", "phone": "0868-00-0000"}, welfare.id)
    old = office.directory.find("agencies", "保健所（所管）")
    office.directory.retire("agencies", old.id)
    office.sync.run()
    laptop.sync.run()
    assert len(laptop.directory.stations()) == 6
    arrived = laptop.directory.get("agencies", welfare.id)
    assert (arrived.contact_person, arrived.phone) == ("田中 一郎", "0868-00-0000")
    kachita = laptop.directory.find("agencies", "美作市地域包括支援センター（勝田）")
    assert laptop.directory.names("station")[kachita.station_id] == "勝田"
    assert old.id not in {a.id for a in laptop.directory.agencies(active_only=True)}
    assert len(laptop.directory.agencies()) == len(office.directory.agencies()) == 32
    # a laptop's export of what arrived imports back into the office unchanged
    path = tmp_path / "agencies.csv"
    directory_csv.export_file(laptop, "agencies", path)
    assert directory_csv.import_file(office, path, "agencies").counts["unchanged"] == 32
