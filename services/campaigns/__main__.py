from services.campaigns.app import SERVICE, build_app
from services.campaigns.settings import CampaignsSettings
from shared.http.serve import serve

serve(SERVICE, build_app, CampaignsSettings)
