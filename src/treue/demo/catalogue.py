"""The demo company's product catalogue: product families with their prices, margins and lead times.

List prices are today's prices in EUR; the generator lowers them by the yearly price increase for
older orders. Margins differ by family: machines carry the least, spare parts the most.
"""

from typing import NamedTuple


class Family(NamedTuple):
    product_line: str  # orders.models.ProductLine value
    prefix: str  # article number prefix
    margin: tuple[float, float]  # share of the list price left after unit cost
    max_quantity: int  # more than this per order line is not plausible
    lead_days: tuple[int, int]  # from order to promised delivery
    rank: int  # the family with the highest rank sets an order's main delivery date
    is_spare_part: bool
    products: tuple[tuple[str, float], ...]  # (name, list price EUR)


FAMILIES: tuple[Family, ...] = (
    Family(
        "machines", "MA", (0.22, 0.32), 2, (60, 150), 4, False,
        (
            ("Drehmaschine DM 250", 38_500), ("Drehmaschine DM 400", 64_000),
            ("Drehzentrum DZ 65 Y", 118_000), ("Bearbeitungszentrum BZ 400", 92_000),
            ("Bearbeitungszentrum BZ 600", 146_000),
            ("Bearbeitungszentrum BZ 800 5-Achs", 289_000), ("Schleifmaschine SM 600", 124_000),
            ("Rundschleifmaschine RS 1000", 212_000), ("Laserschneidanlage LS 3015", 345_000),
            ("Stanzautomat SA 80", 176_000), ("Abkantpresse AP 135", 98_500),
            ("Sondermaschine Montagelinie ML 2", 465_000),
        ),
    ),
    Family(
        "automation", "AU", (0.28, 0.38), 4, (30, 70), 3, False,
        (
            ("Roboterzelle RZ 6", 68_000), ("Roboterzelle RZ 12", 89_000),
            ("Palettenwechsler PW 2", 24_500), ("Palettenspeicher PS 10", 41_000),
            ("Förderband FB 2000", 6_900), ("Förderband FB 4000", 11_800),
            ("Steuerung MC 400", 8_400), ("Steuerung MC 800", 14_900),
            ("Bildverarbeitung VS 100", 12_600), ("Werkstückspeicher WS 30", 18_700),
            ("Greifersystem GS 5", 4_350), ("Beladeportal BP 1", 36_000),
            ("Messstation MS 3D", 27_500), ("Schutzumhausung SU 2", 9_800),
            ("Späneförderer SF 300", 7_450), ("Kühlschmierstoffanlage KA 500", 16_300),
            ("Absauganlage AA 1000", 13_200), ("Nachrüstpaket Industrie 4.0", 5_900),
            ("Schnittstelle OPC UA", 2_450), ("Werkzeugmagazin WM 120", 22_800),
        ),
    ),
    Family(
        "tooling", "WZ", (0.40, 0.55), 200, (10, 30), 2, False,
        (
            ("Schaftfräser VHM Ø6", 48.90), ("Schaftfräser VHM Ø12", 89.50),
            ("Schaftfräser VHM Ø20", 164.00), ("Bohrer HSS-E Ø8", 18.40),
            ("Bohrer VHM Ø10 innengekühlt", 96.00), ("Gewindebohrer M8", 27.90),
            ("Gewindebohrer M12", 41.50), ("Wendeschneidplatte CNMG 12", 14.20),
            ("Wendeschneidplatte WNMG 08", 12.80), ("Spannzange ER32", 36.50),
            ("Spannzangenfutter ER32 HSK-A63", 248.00), ("Hydrodehnspannfutter HSK-A63", 689.00),
            ("Schrumpffutter HSK-A63", 312.00), ("Messerkopf Ø63", 545.00),
            ("Messerkopf Ø125", 1_180.00), ("Planfräser Ø80", 720.00),
            ("Reibahle H7 Ø10", 132.00), ("Drehhalter PCLNR 2525", 178.00),
            ("Stechhalter 3 mm", 214.00), ("Senker 90° Ø16", 64.00),
            ("Bohrstange Ø25", 389.00), ("Gewindefräser M10", 158.00),
            ("Werkzeugaufnahme SK40", 142.00), ("Nullpunktspannsystem Modul", 1_950.00),
            ("Maschinenschraubstock 125", 865.00), ("Spannbacken weich (Satz)", 98.00),
            ("Voreinstellgerät-Adapter", 420.00), ("Kegelsenker HSS Ø20", 39.90),
            ("Zentrierbohrer Ø6", 16.50), ("Werkzeugwagen 60 Plätze", 2_340.00),
        ),
    ),
    Family(
        "spare_parts", "ET", (0.50, 0.70), 50, (1, 4), 0, True,
        (
            ("Spindellager 7014", 286.00), ("Spindellager 7016", 348.00),
            ("Kugelgewindetrieb 32x10", 1_240.00), ("Kugelgewindetrieb 40x20", 1_890.00),
            ("Linearführung Baugröße 35", 610.00), ("Linearführung Baugröße 45", 845.00),
            ("Hydraulikpumpe HP 16", 1_420.00), ("Hydraulikventil 4/3", 465.00),
            ("Dichtungssatz Spindel", 89.00), ("Dichtungssatz Zylinder", 64.50),
            ("Frequenzumrichter 7,5 kW", 1_380.00), ("Frequenzumrichter 15 kW", 2_260.00),
            ("Servomotor 2,2 kW", 1_760.00), ("Servomotor 5,5 kW", 2_980.00),
            ("Kühlmittelpumpe KP 40", 512.00), ("Zahnriemen HTD 8M", 46.80),
            ("Filterelement Hydraulik", 38.90), ("Filtermatte Schaltschrank", 9.80),
            ("Näherungsschalter M12", 42.00), ("Drehgeber 2048 Inkr.", 395.00),
            ("Steuerplatine MC 400", 1_150.00), ('Bedienpanel Touch 15"', 2_450.00),
            ("Schutzscheibe Polycarbonat", 318.00), ("Faltenbalg Y-Achse", 276.00),
            ("Abstreifer Führungsbahn", 34.50), ("Tellerfederpaket Werkzeugspanner", 189.00),
            ("Schmierpumpe Zentralschmierung", 685.00), ("Endschalter mechanisch", 58.00),
            ("Not-Halt-Taster", 31.50), ("Lichtvorhang Typ 4", 1_090.00),
            ("Energieführungskette Y-Achse", 420.00), ("Kupplung Vorschubachse", 168.00),
            ("Magnetventil 24 V", 94.00), ("Druckschalter 0-10 bar", 72.00),
            ("Pneumatikzylinder 50x100", 146.00), ("Lüfter Spindelkühler", 119.00),
            ("Pufferbatterie Steuerung", 24.90), ("Sicherungssatz Schaltschrank", 44.00),
            ("Schaltschranklüfter", 87.00), ("Wartungsset Jahresinspektion", 395.00),
            ("Keilriemen SPZ 1250", 18.60), ("Hauptspindel komplett (Austausch)", 16_800.00),
            ("Revolverscheibe VDI 40", 3_450.00), ("Spannbackensatz Dreibackenfutter", 265.00),
            ("Batterie Messtaster", 12.40),
        ),
    ),
    Family(
        "service", "SV", (0.45, 0.60), 40, (5, 20), 1, False,
        (
            ("Servicetechniker (Stunde)", 118.00), ("Servicetechniker Wochenende (Stunde)", 162.00),
            ("Anfahrtspauschale Zone 1", 145.00), ("Anfahrtspauschale Zone 2", 290.00),
            ("Inbetriebnahme (Tag)", 1_180.00), ("Bedienerschulung (Tag)", 1_050.00),
            ("Programmierschulung (Tag)", 1_290.00),
            ("Wartung Bearbeitungszentrum (Pauschale)", 1_850.00),
            ("Wartung Drehmaschine (Pauschale)", 1_420.00),
            ("Geometrievermessung Laser", 2_150.00),
            ("Fernwartung (Stunde)", 96.00), ("Maschinenumsetzung", 6_800.00),
            ("Retrofit Steuerung", 38_500.00),
        ),
    ),
)  # fmt: skip
