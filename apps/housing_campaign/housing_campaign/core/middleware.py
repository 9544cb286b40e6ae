"""Vietnamese by default: the interface language is the user's explicit choice (the language
switch's cookie), never guessed from the browser's Accept-Language, which on officials' machines
is often English."""


class VietnameseByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
