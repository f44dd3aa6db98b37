// A dashboard link carries its token in the fragment, which browsers never send to a server, so no server or proxy log holds
// it. Take it from there (and from the address bar and history), and post it to the server, which answers the page naming
// the link's tenant. Nothing is opened yet: that takes the button on that page, which link scanners do not press.
const form = document.getElementById('link');
form.elements.token.value = location.hash.slice(1);
history.replaceState(null, '', location.pathname + location.search);
form.submit();
