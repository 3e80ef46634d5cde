// Follows the link marked data-follow (the identity provider's logout) as soon as the page loads.
const link = document.querySelector("a[data-follow]");
if (link) window.location.assign(link.href);
