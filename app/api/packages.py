"""Service packages."""
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api.common import committed
from app.auth import allow, current_actor
from app.extensions import db
from app.schemas.common import page_of
from app.schemas.packages import PackageArgsSchema, PackageCreateSchema, PackageSchema, PackageUpdateSchema
from app.services import packages

blp = Blueprint("packages", __name__, description="服务包 / service packages")


@blp.route("")
class Packages(MethodView):
    @blp.arguments(PackageArgsSchema, location="query")
    @blp.response(200, page_of(PackageSchema))
    def get(self, args):
        """Packages on offer (current versions); residents may read them too."""
        return packages.list_packages(db.session, current_actor(), **args)

    @allow("admin")
    @blp.arguments(PackageCreateSchema)
    @blp.response(201, PackageSchema)
    def post(self, data):
        """Publish a package (admin)."""
        return committed(packages.create_package(db.session, actor=current_actor(), **data))


@blp.route("/<int:package_id>")
class PackageById(MethodView):
    @blp.response(200, PackageSchema)
    def get(self, package_id):
        """One package version."""
        return packages.get_package(db.session, current_actor(), package_id)

    @allow("admin")
    @blp.arguments(PackageUpdateSchema)
    @blp.response(200, PackageSchema)
    def patch(self, data, package_id):
        """Edit a package (admin); if contracts use it, a new version is created and returned."""
        return committed(packages.update_package(db.session, actor=current_actor(), package_id=package_id, **data))
