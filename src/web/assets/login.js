// The login page: POST the token; a good one sets the session cookie (HttpOnly: this script never sees it).

document.addEventListener("DOMContentLoaded", () => {
  if (new URLSearchParams(location.search).has("ended")) document.getElementById("ended").hidden = false;
  const form = document.getElementById("login");
  const error = document.getElementById("error");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const token = document.getElementById("token").value;
    const r = await fetch("/api/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const reply = await r.json();
    if (reply.ok) location.assign("/overview");
    else error.textContent = reply.error;
  });
});
