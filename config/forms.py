"""The project's form renderer: one accessible field template for every form (templates/
includes/field.html)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "includes/field.html"
