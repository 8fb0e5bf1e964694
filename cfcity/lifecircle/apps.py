from django.apps import AppConfig


class LifecircleConfig(AppConfig):
    name = "cfcity.lifecircle"
    label = "lifecircle"
    verbose_name = "15分钟儿童社区生活圈"

    def ready(self):
        from cfcity.audit.services import register_labels
        from cfcity.reporting import demo as reporting_demo

        from .demo import extend
        register_labels({"lifecircle.network.uploaded": "上传步行路网",
                         "lifecircle.run.computed": "计算15分钟儿童社区生活圈"})
        if extend not in reporting_demo.EXTENSIONS:
            reporting_demo.EXTENSIONS.append(extend)
        # a space opened, closed or moved changes who is covered: refresh task 25's figure
        from django.db.models.signals import post_delete, post_save
        post_save.connect(_space_changed, sender="spaces.Space", dispatch_uid="lifecircle.space_changed")
        post_delete.connect(_space_changed, sender="spaces.Space", dispatch_uid="lifecircle.space_deleted")


def _space_changed(sender, **kwargs):
    from .measures import publish_soon
    publish_soon()
