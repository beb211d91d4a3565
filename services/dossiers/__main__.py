from services.dossiers.app import SERVICE, build_app
from services.dossiers.settings import DossiersSettings
from shared.http.serve import serve

serve(SERVICE, build_app, DossiersSettings)
