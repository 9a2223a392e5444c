document.addEventListener('DOMContentLoaded',function(){var h=document.getElementById('hits');if(h){h.textContent='1024';}});
