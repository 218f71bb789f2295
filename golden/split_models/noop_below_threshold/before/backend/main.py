from models import Prompt, PromptListResponse

listing = PromptListResponse(id="all", tags=[Prompt(id="p1").id])
