from django import template

from satisfaction.forms import RatingForm

register = template.Library()


@register.simple_tag
def blank_rating_form():
    """An empty satisfaction form (the record page's paper-form panel)."""
    return RatingForm()
