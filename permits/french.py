"""French typography the documents and pages share (pure Python)."""


def of_place(name: str) -> str:
    """The preposition "de" before a place name, elided or contracted: "d'Épinay-sur-Orge",
    "d'Orsay", "de Paris", "du Mans", "des Ulis". Before h, place names elide (d'Hyères)."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêëàâîïôûùh" else f"de {name}"


def of_noun(phrase: str) -> str:
    """ "de" before a phrase that carries its own article: "du service", "de l'architecte",
    "de la commission", "des services"; a bare name is a place or proper name (of_place)."""
    for article, contracted in (
        ("le ", "du "),
        ("les ", "des "),
        ("la ", "de la "),
        ("l'", "de l'"),
    ):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    return of_place(phrase)
