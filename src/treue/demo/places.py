"""Fixed data for the demo company: real DACH cities, names, streets, company name parts.

Coordinates are city centres (WGS 84, five decimals); postal codes are a real code of the centre;
`dial` is the area code without the leading zero. `weight` is roughly the population in thousands,
damped in the generator so that industrial towns get customers, too.
"""

from typing import NamedTuple


class City(NamedTuple):
    name: str
    postal_code: str
    country: str
    latitude: float
    longitude: float
    dial: str
    weight: int
    adjective: str  # "Ulmer" as in "Ulmer Feinmechanik GmbH"; empty where no form is usual
    language: str  # language of the street names: de, fr or it


CITIES: tuple[City, ...] = (
    # Germany
    City("Berlin", "10115", "DE", 52.52000, 13.40495, "30", 3700, "Berliner", "de"),
    City("Hamburg", "20095", "DE", 53.55108, 9.99368, "40", 1850, "Hamburger", "de"),
    City("München", "80331", "DE", 48.13743, 11.57549, "89", 1500, "Münchner", "de"),
    City("Köln", "50667", "DE", 50.93753, 6.96028, "221", 1080, "Kölner", "de"),
    City("Frankfurt am Main", "60311", "DE", 50.11092, 8.68213, "69", 760, "Frankfurter", "de"),
    City("Stuttgart", "70173", "DE", 48.77585, 9.18293, "711", 630, "Stuttgarter", "de"),
    City("Düsseldorf", "40213", "DE", 51.22774, 6.77346, "211", 620, "Düsseldorfer", "de"),
    City("Dortmund", "44135", "DE", 51.51358, 7.46530, "231", 590, "Dortmunder", "de"),
    City("Essen", "45127", "DE", 51.45566, 7.01156, "201", 580, "Essener", "de"),
    City("Leipzig", "04109", "DE", 51.33970, 12.37307, "341", 600, "Leipziger", "de"),
    City("Bremen", "28195", "DE", 53.07930, 8.80169, "421", 570, "Bremer", "de"),
    City("Dresden", "01067", "DE", 51.05089, 13.73832, "351", 560, "Dresdner", "de"),
    City("Hannover", "30159", "DE", 52.37589, 9.73201, "511", 540, "", "de"),
    City("Nürnberg", "90402", "DE", 49.45203, 11.07675, "911", 520, "Nürnberger", "de"),
    City("Duisburg", "47051", "DE", 51.43247, 6.76516, "203", 500, "Duisburger", "de"),
    City("Bochum", "44787", "DE", 51.48165, 7.21648, "234", 365, "Bochumer", "de"),
    City("Wuppertal", "42103", "DE", 51.25627, 7.15076, "202", 355, "Wuppertaler", "de"),
    City("Bielefeld", "33602", "DE", 52.02182, 8.53247, "521", 335, "Bielefelder", "de"),
    City("Bonn", "53111", "DE", 50.73743, 7.09821, "228", 330, "Bonner", "de"),
    City("Münster", "48143", "DE", 51.96236, 7.62571, "251", 320, "Münsteraner", "de"),
    City("Mannheim", "68159", "DE", 49.48752, 8.46604, "621", 310, "Mannheimer", "de"),
    City("Karlsruhe", "76133", "DE", 49.00689, 8.40365, "721", 305, "Karlsruher", "de"),
    City("Augsburg", "86150", "DE", 48.37054, 10.89779, "821", 300, "Augsburger", "de"),
    City("Wiesbaden", "65183", "DE", 50.07826, 8.23916, "611", 280, "Wiesbadener", "de"),
    City("Mönchengladbach", "41061", "DE", 51.18539, 6.44172, "2161", 260, "", "de"),
    City("Braunschweig", "38100", "DE", 52.26474, 10.52378, "531", 250, "Braunschweiger", "de"),
    City("Kiel", "24103", "DE", 54.32329, 10.12277, "431", 245, "Kieler", "de"),
    City("Chemnitz", "09111", "DE", 50.83271, 12.92368, "371", 245, "Chemnitzer", "de"),
    City("Aachen", "52062", "DE", 50.77644, 6.08342, "241", 250, "Aachener", "de"),
    City("Magdeburg", "39104", "DE", 52.12053, 11.62768, "391", 235, "Magdeburger", "de"),
    City("Freiburg im Breisgau", "79098", "DE", 47.99590, 7.85222, "761", 230, "", "de"),
    City("Lübeck", "23552", "DE", 53.86550, 10.68656, "451", 215, "Lübecker", "de"),
    City("Erfurt", "99084", "DE", 50.97870, 11.03283, "361", 215, "Erfurter", "de"),
    City("Rostock", "18055", "DE", 54.08870, 12.14049, "381", 210, "Rostocker", "de"),
    City("Kassel", "34117", "DE", 51.31271, 9.47970, "561", 200, "Kasseler", "de"),
    City("Mainz", "55116", "DE", 49.99925, 8.27399, "6131", 220, "Mainzer", "de"),
    City("Saarbrücken", "66111", "DE", 49.23401, 6.99691, "681", 180, "Saarbrücker", "de"),
    City("Osnabrück", "49074", "DE", 52.27264, 8.04980, "541", 165, "Osnabrücker", "de"),
    City("Regensburg", "93047", "DE", 49.01343, 12.10162, "941", 155, "Regensburger", "de"),
    City("Ingolstadt", "85049", "DE", 48.76508, 11.42372, "841", 140, "Ingolstädter", "de"),
    City("Ulm", "89073", "DE", 48.39841, 9.99155, "731", 128, "Ulmer", "de"),
    City("Heilbronn", "74072", "DE", 49.14269, 9.21877, "7131", 128, "Heilbronner", "de"),
    City("Pforzheim", "75175", "DE", 48.89250, 8.69462, "7231", 127, "Pforzheimer", "de"),
    City("Wolfsburg", "38440", "DE", 52.42265, 10.78648, "5361", 125, "Wolfsburger", "de"),
    City("Göttingen", "37073", "DE", 51.53389, 9.93228, "551", 118, "Göttinger", "de"),
    City("Würzburg", "97070", "DE", 49.79391, 9.95121, "931", 127, "Würzburger", "de"),
    City("Reutlingen", "72764", "DE", 48.49144, 9.20427, "7121", 117, "Reutlinger", "de"),
    City("Siegen", "57072", "DE", 50.87481, 8.02431, "271", 102, "Siegener", "de"),
    City("Jena", "07743", "DE", 50.92721, 11.58636, "3641", 110, "Jenaer", "de"),
    City("Paderborn", "33098", "DE", 51.71905, 8.75439, "5251", 152, "Paderborner", "de"),
    City("Schweinfurt", "97421", "DE", 50.04937, 10.22175, "9721", 54, "Schweinfurter", "de"),
    City("Tuttlingen", "78532", "DE", 47.98464, 8.81770, "7461", 36, "Tuttlinger", "de"),
    City("Gütersloh", "33330", "DE", 51.90693, 8.37854, "5241", 101, "Gütersloher", "de"),
    City("Friedrichshafen", "88045", "DE", 47.65689, 9.47554, "7541", 61, "", "de"),
    City("Zwickau", "08056", "DE", 50.71833, 12.49639, "375", 88, "Zwickauer", "de"),
    City("Lüdenscheid", "58507", "DE", 51.21977, 7.62730, "2351", 72, "Lüdenscheider", "de"),
    City("Aalen", "73430", "DE", 48.83777, 10.09330, "7361", 68, "Aalener", "de"),
    City("Rosenheim", "83022", "DE", 47.85637, 12.12247, "8031", 64, "Rosenheimer", "de"),
    City("Bayreuth", "95444", "DE", 49.94782, 11.57893, "921", 74, "Bayreuther", "de"),
    City("Solingen", "42651", "DE", 51.17343, 7.08450, "212", 160, "Solinger", "de"),
    City("Potsdam", "14467", "DE", 52.39886, 13.06566, "331", 185, "Potsdamer", "de"),
    City("Halle (Saale)", "06108", "DE", 51.48158, 11.97947, "345", 240, "Hallesche", "de"),
    City("Oldenburg", "26122", "DE", 53.14118, 8.21467, "441", 170, "Oldenburger", "de"),
    # Austria
    City("Wien", "1010", "AT", 48.20849, 16.37208, "1", 1950, "Wiener", "de"),
    City("Graz", "8010", "AT", 47.07087, 15.43950, "316", 300, "Grazer", "de"),
    City("Linz", "4020", "AT", 48.30639, 14.28611, "732", 210, "Linzer", "de"),
    City("Salzburg", "5020", "AT", 47.80095, 13.04458, "662", 155, "Salzburger", "de"),
    City("Innsbruck", "6020", "AT", 47.26921, 11.40410, "512", 130, "Innsbrucker", "de"),
    City("Klagenfurt am Wörthersee", "9020", "AT", 46.62472, 14.30528, "463", 100, "", "de"),
    City("Villach", "9500", "AT", 46.61028, 13.85583, "4242", 65, "Villacher", "de"),
    City("Wels", "4600", "AT", 48.16667, 14.03333, "7242", 63, "Welser", "de"),
    City("St. Pölten", "3100", "AT", 48.20353, 15.63817, "2742", 56, "", "de"),
    City("Dornbirn", "6850", "AT", 47.41427, 9.74195, "5572", 51, "Dornbirner", "de"),
    City("Steyr", "4400", "AT", 48.03899, 14.42128, "7252", 38, "Steyrer", "de"),
    City("Wiener Neustadt", "2700", "AT", 47.81598, 16.24634, "2622", 47, "", "de"),
    City("Leoben", "8700", "AT", 47.38171, 15.09735, "3842", 25, "Leobener", "de"),
    # Switzerland
    City("Zürich", "8001", "CH", 47.37689, 8.54169, "44", 420, "Zürcher", "de"),
    City("Genève", "1204", "CH", 46.20439, 6.14316, "22", 200, "", "fr"),
    City("Basel", "4051", "CH", 47.55960, 7.58858, "61", 175, "Basler", "de"),
    City("Bern", "3011", "CH", 46.94797, 7.44745, "31", 135, "Berner", "de"),
    City("Lausanne", "1003", "CH", 46.51965, 6.63227, "21", 140, "", "fr"),
    City("Winterthur", "8400", "CH", 47.49880, 8.72410, "52", 115, "Winterthurer", "de"),
    City("Luzern", "6003", "CH", 47.05017, 8.30931, "41", 82, "Luzerner", "de"),
    City("St. Gallen", "9000", "CH", 47.42448, 9.37672, "71", 76, "St. Galler", "de"),
    City("Lugano", "6900", "CH", 46.00367, 8.95105, "91", 63, "", "it"),
    City("Biel/Bienne", "2502", "CH", 47.13680, 7.24680, "32", 55, "Bieler", "de"),
    City("Schaffhausen", "8200", "CH", 47.69732, 8.63493, "52", 37, "Schaffhauser", "de"),
    City("Aarau", "5000", "CH", 47.39254, 8.04422, "62", 22, "Aarauer", "de"),
    City("Zug", "6300", "CH", 47.16615, 8.51545, "41", 31, "Zuger", "de"),
)

# The company's own service stations (name, city); coordinates come from CITIES.
SERVICE_STATIONS: tuple[tuple[str, str], ...] = (
    ("Servicestützpunkt Nord", "Hamburg"),
    ("Servicestützpunkt West", "Dortmund"),
    ("Servicestützpunkt Ost", "Leipzig"),
    ("Servicestützpunkt Süd", "Stuttgart"),
    ("Servicestützpunkt Bayern", "München"),
    ("Servicestützpunkt Österreich", "Linz"),
    ("Servicestützpunkt Schweiz", "Zürich"),
)

STREETS_DE: tuple[str, ...] = (
    "Industriestraße",
    "Gewerbestraße",
    "Hauptstraße",
    "Bahnhofstraße",
    "Robert-Bosch-Straße",
    "Carl-Benz-Straße",
    "Werkstraße",
    "Im Gewerbepark",
    "Max-Planck-Straße",
    "Siemensstraße",
    "Daimlerstraße",
    "Dieselstraße",
    "Otto-Hahn-Straße",
    "Ringstraße",
    "Am Hafen",
    "Gutenbergstraße",
    "Einsteinstraße",
    "Rudolf-Diesel-Straße",
    "Zeppelinstraße",
    "Lindenstraße",
    "Fabrikstraße",
    "Mühlenweg",
    "Handwerkerstraße",
    "Von-Miller-Straße",
    "Gottlieb-Daimler-Straße",
    "Im Technologiepark",
    "Kanalstraße",
    "Schulstraße",
    "Nordring",
    "Südring",
)
STREETS_FR: tuple[str, ...] = (
    "Rue de l'Industrie",
    "Route de Meyrin",
    "Chemin du Pont-du-Centenaire",
    "Rue du Léman",
    "Avenue de la Gare",
    "Chemin des Artisans",
    "Route de Genève",
)
STREETS_IT: tuple[str, ...] = (
    "Via Industria",
    "Via Cantonale",
    "Via della Posta",
    "Via Pian Scairolo",
    "Via Besso",
)

MALE_FIRST: tuple[str, ...] = (
    "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Markus", "Frank", "Peter", "Jürgen",
    "Klaus", "Matthias", "Alexander", "Martin", "Daniel", "Jan", "Tobias", "Sebastian", "Florian",
    "Dirk", "Uwe", "Wolfgang", "Ralf", "Bernd", "Holger", "Jens", "Oliver", "Sven", "Torsten",
    "Marco", "Patrick", "Lukas", "Felix", "Jonas", "Simon", "Philipp", "Benjamin", "Robert",
    "Günter", "Helmut", "Rainer", "Hans", "Karl", "Georg", "Johannes", "Dominik", "Manuel", "Kai",
    "Timo", "Fabian", "Christoph",
)  # fmt: skip
FEMALE_FIRST: tuple[str, ...] = (
    "Sabine", "Andrea", "Claudia", "Petra", "Susanne", "Monika", "Birgit", "Stefanie", "Nicole",
    "Katrin", "Anja", "Julia", "Christina", "Sandra", "Melanie", "Kerstin", "Martina", "Heike",
    "Silke", "Tanja", "Anna", "Laura", "Lisa", "Sarah", "Lena", "Katharina", "Maria", "Eva",
    "Barbara", "Ursula", "Karin", "Simone", "Daniela", "Carina", "Miriam", "Franziska", "Johanna",
    "Verena", "Bettina", "Jana",
)  # fmt: skip
LAST_DE: tuple[str, ...] = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
    "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther",
    "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht",
    "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer",
    "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn",
    "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
)  # fmt: skip
LAST_AT: tuple[str, ...] = (
    "Gruber", "Huber", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer", "Leitner",
    "Berger", "Fuchs", "Eder", "Fischer", "Schmid", "Winkler", "Weber", "Schwarz", "Maier",
    "Schneider", "Reiter", "Egger", "Wimmer", "Lang", "Brunner", "Auer", "Aigner", "Holzer",
)  # fmt: skip
LAST_CH: tuple[str, ...] = (
    "Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer", "Steiner",
    "Fischer", "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser", "Widmer", "Wyss",
    "Graf", "Roth", "Suter", "Baumgartner", "Bachmann", "Studer", "Kunz",
)  # fmt: skip
FIRST_FR: tuple[tuple[str, str], ...] = (
    ("Jean", "m"), ("Pierre", "m"), ("Luc", "m"), ("Nicolas", "m"), ("Marc", "m"),
    ("Sophie", "f"), ("Claire", "f"), ("Isabelle", "f"), ("Nathalie", "f"), ("Céline", "f"),
)  # fmt: skip
LAST_FR: tuple[str, ...] = (
    "Dubois", "Favre", "Rochat", "Morel", "Bonvin", "Perrin", "Jaquet", "Rey", "Girard",
    "Chevalley",
)  # fmt: skip
FIRST_IT: tuple[tuple[str, str], ...] = (
    ("Marco", "m"), ("Luca", "m"), ("Paolo", "m"), ("Giulia", "f"), ("Chiara", "f"),
    ("Francesca", "f"),
)  # fmt: skip
LAST_IT: tuple[str, ...] = ("Bernasconi", "Rossi", "Ferrari", "Bianchi", "Fontana", "Colombo")
# Contacts who prefer English: international staff of the customers.
FIRST_EN: tuple[tuple[str, str], ...] = (
    ("James", "m"), ("David", "m"), ("Ahmet", "m"), ("Piotr", "m"), ("Rahul", "m"),
    ("Emma", "f"), ("Olivia", "f"), ("Priya", "f"), ("Elena", "f"), ("Mei", "f"),
)  # fmt: skip
LAST_EN: tuple[str, ...] = (
    "Miller", "Clarke", "Yilmaz", "Kowalski", "Sharma", "Chen", "Novak", "Evans", "Rossi", "Kaya",
)  # fmt: skip

# Words that name what a customer does, per customers.models.Industry value.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "automotive": (
        "Automotive", "Fahrzeugteile", "Zulieferertechnik", "Karosseriebau", "Antriebstechnik",
        "Fahrwerktechnik",
    ),
    "mechanical_engineering": (
        "Maschinenbau", "Anlagenbau", "Feinmechanik", "Präzisionstechnik", "Zerspanungstechnik",
        "Metallbearbeitung", "Metallbau", "Getriebebau",
    ),
    "food": ("Lebensmittelwerke", "Backwaren", "Molkerei", "Getränke", "Feinkost", "Süßwaren"),
    "chemicals": ("Chemie", "Kunststofftechnik", "Lackfabrik", "Polymere", "Klebstoffe"),
    "packaging": ("Verpackung", "Verpackungstechnik", "Kartonagen", "Folientechnik"),
    "medical": ("Medizintechnik", "Dentaltechnik", "Orthopädietechnik", "Labortechnik"),
    "energy": ("Energietechnik", "Solartechnik", "Windkraft", "Elektrotechnik", "Netztechnik"),
    "electronics": (
        "Elektronik", "Leiterplatten", "Sensorik", "Steuerungstechnik", "Kabelsysteme",
    ),
}  # fmt: skip
BRAND_PREFIXES: tuple[str, ...] = (
    "Tec", "Pro", "Inno", "Thermo", "Hydro", "Alu", "Form", "Metall", "Präzi", "Nord", "Süd",
    "Rhein", "Alpen", "Multi", "Opti", "Kon", "Flex", "Uni", "Tri", "Vario",
)  # fmt: skip
BRAND_SUFFIXES: tuple[str, ...] = (
    "tec", "form", "plast", "tronic", "med", "pack", "mat", "werk", "tech", "flow", "line",
)  # fmt: skip
LEGAL_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "DE": (("GmbH", 0.52), ("GmbH & Co. KG", 0.25), ("AG", 0.07), ("KG", 0.09), ("e.K.", 0.07)),
    "AT": (("GmbH", 0.55), ("Ges.m.b.H.", 0.15), ("AG", 0.1), ("GmbH & Co KG", 0.2)),
    "CH": (("AG", 0.62), ("GmbH", 0.38)),
}
