"""The screens of the how-to, one blueprint per area of the product."""
