"""Campaigns service: emulation movements (phong trào thi đua) from draft to closing."""
