"""Why a sign-in through an OpenID provider failed: a code for the logs, a sentence for people."""

# code → the reason shown to the person, after "La connexion avec <fournisseur> a échoué : ".
REASONS = {
    "state": "cette demande de connexion a déjà été utilisée ou a expiré",
    "provider_error": "le fournisseur d'identité a renvoyé une erreur",
    "issuer": "la réponse ne provient pas du fournisseur d'identité attendu",
    "audience": "le jeton d'identité n'est pas destiné à ce service",
    "nonce": "le jeton d'identité ne correspond pas à cette demande de connexion",
    "algorithm": "l'algorithme de signature du jeton d'identité n'est pas autorisé",
    "key": "la clé de signature du jeton d'identité ne peut pas être déterminée",
    "signature": "la signature du jeton d'identité est invalide",
    "expired": "le jeton d'identité a expiré",
    "claims": "le jeton d'identité est incomplet ou mal formé",
    "acr": "le niveau de garantie de l'identité est insuffisant",
    "userinfo": "les informations d'identité reçues sont invalides",
    "subject": "les informations d'identité ne correspondent pas au jeton de connexion",
    "unavailable": "le fournisseur d'identité ne répond pas pour le moment",
    "account": "aucun compte agent n'est associé à cette identité",
}


class OIDCError(Exception):
    def __init__(self, code: str, detail: str = "", *, provider_error: str = ""):
        assert code in REASONS, code
        self.code = code
        self.detail = detail  # English, for the logs
        self.provider_error = provider_error  # e.g. access_denied
        super().__init__(f"{code}: {detail}")

    def message(self, provider_label: str, signed_in: bool = False) -> str:
        # A person already signed in stays so (a failed callback never touches their session).
        where = (
            "Vous restez connecté avec votre compte actuel."
            if signed_in
            else ("Vous n'êtes pas connecté.")
        )
        if self.provider_error == "access_denied":
            return f"Vous avez annulé la connexion avec {provider_label}. {where}"
        reason = REASONS[self.code]
        if self.provider_error:
            reason = f"{reason} ({self.provider_error})"
        return (
            f"La connexion avec {provider_label} a échoué : {reason}. {where} "
            "Vous pouvez réessayer."
        )
