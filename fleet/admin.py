from django.contrib import admin

from fleet.models import Credential, Host, HostGroup, HostKey, Tag, TargetNode

admin.site.register([Host, HostGroup, Tag, TargetNode, HostKey])


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "username"]
