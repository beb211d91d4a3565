from services.dossiers.app import SERVICE, build_app
from shared.http.serve import serve

serve(SERVICE, build_app)
