from thirdparty.models import SharedBase

VendorModel = SharedBase
