from webkit.app import App
