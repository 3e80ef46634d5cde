from django.conf import settings


def site(request):
    """The service's name and operator, shown in every page's header and footer."""
    return {
        "site_name": settings.PERMIS_SITE_NAME,
        "operator_name": settings.PERMIS_OPERATOR_NAME,
    }
